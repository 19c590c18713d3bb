using ObsScaling.Server.Services;

namespace ObsScaling.Server.Tests.Services;

public class AnswerBudgetTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Small_answers_never_wait_and_large_ones_wait_in_order_until_bytes_are_given_back()
    {
        var budget = new AnswerBudget(10 * MiB);
        var first = await budget.AcquireAsync(6 * MiB, CancellationToken.None);
        Assert.Equal(6 * MiB, budget.HeldBytes);

        // 5 MiB does not fit beside 6; a 2 MiB answer that would fit waits behind it (no overtaking, no starving).
        var second = budget.AcquireAsync(5 * MiB, CancellationToken.None).AsTask();
        var third = budget.AcquireAsync(2 * MiB, CancellationToken.None).AsTask();
        using (await budget.AcquireAsync(MiB - 1, CancellationToken.None))
        {
            Assert.Equal(6 * MiB, budget.HeldBytes);
        }

        await Task.Delay(50);
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        first.Dispose();
        first.Dispose();
        var s = await second.WaitAsync(TimeSpan.FromSeconds(5));
        var t = await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(7 * MiB, budget.HeldBytes);
        s.Dispose();
        t.Dispose();
        Assert.Equal(0, budget.HeldBytes);
    }

    [Fact]
    public async Task A_caller_that_gives_up_leaves_the_queue_and_lets_the_next_one_in()
    {
        var budget = new AnswerBudget(10 * MiB);
        var held = await budget.AcquireAsync(8 * MiB, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var abandoned = budget.AcquireAsync(9 * MiB, cancel.Token).AsTask();
        var behind = budget.AcquireAsync(2 * MiB, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(behind.IsCompleted);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        (await behind.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        held.Dispose();
        Assert.Equal(0, budget.HeldBytes);
    }

    [Fact]
    public async Task An_answer_larger_than_the_whole_budget_runs_alone()
    {
        var budget = new AnswerBudget(4 * MiB);
        var huge = await budget.AcquireAsync(100 * MiB, CancellationToken.None);
        Assert.Equal(4 * MiB, budget.HeldBytes);
        var next = budget.AcquireAsync(2 * MiB, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        huge.Dispose();
        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(0, budget.HeldBytes);
    }
}
